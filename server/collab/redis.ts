/**
 * Scale-out: with `REDIS_URL`, Hocuspocus' Redis extension relays live updates and awareness
 * between cocode processes, so clients of one document may connect to any instance (no sticky
 * sessions). Redis only relays; every instance writes the shared PostgreSQL log itself.
 */
import { Redis } from '@hocuspocus/extension-redis';

export function redisExtension(redisUrl: string, prefix: string): Redis {
  const url = new URL(redisUrl);
  return new Redis({
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
