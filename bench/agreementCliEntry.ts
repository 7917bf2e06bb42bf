/** Runs `cocode agreement` as its own process so the benchmark can time it end to end. */
import { runAgreementCommand } from '../server/cli/agreementCommand';

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};
process.exitCode = await runAgreementCommand(process.argv.slice(2), io);
