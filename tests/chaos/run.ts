/** `npm run test:chaos -- --kills 200 [--postgres] [--seed S]`: the long chaos run; exits 1 if anything was lost. */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos';
import { createTestDatabase } from '../helpers/services';

const { values } = parseArgs({
  options: { kills: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' }, postgres: { type: 'boolean', default: false } },
});
const kills = Number(values.kills);
if (!Number.isInteger(kills) || kills < 1) {
  console.error(`--kills must be a positive whole number, got "${values.kills}"`);
  process.exit(2);
}
const database = values.postgres ? await createTestDatabase() : null;
try {
  const result = await runChaos({
    kills,
    seed: Number(values.seed),
    env: database ? { DATABASE_URL: database.url } : {},
    log: (line) => console.error(line),
  });
  console.log('kills, acknowledged writes, lost writes');
  console.log(`${result.kills}, ${result.acknowledged}, ${result.lost}`);
  if (!result.converged) console.log('clients did NOT converge after the last restart');
  process.exitCode = result.lost === 0 && result.converged ? 0 : 1;
} finally {
  await database?.drop();
}
