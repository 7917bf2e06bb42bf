/**
 * Scale-out: with `REDIS_URL`, Hocuspocus' Redis extension relays live updates and awareness
 * between cocode processes, so clients of one document may connect to any instance (no sticky
 * sessions). Redis only relays; every instance writes the shared PostgreSQL log itself.
 */
import type { Redis } from '@hocuspocus/extension-redis';

/**
 * The extension for `REDIS_URL`. Loaded only then: the extension and its Redis client (ioredis)
 * take most of a second to import, which a single instance would pay at every start for nothing.
 */
export async function redisExtension(redisUrl: string, prefix: string): Promise<Redis> {
  const { Redis: RedisExtension } = await import('@hocuspocus/extension-redis');
  const url = new URL(redisUrl);
  return new RedisExtension({
    host: url.hostname,
    port: Number(url.port || 6379),
    prefix,
    options: {
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    },
  });
}
