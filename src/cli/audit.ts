/** `fedbroker audit verify [FILE…]`: detects any edit, deletion or reordering of audit events. */
import { verifyAuditFiles } from '../audit/verify.js';
import { loadConfigFromArgs, type CliArgs } from './args.js';

export async function audit(args: CliArgs, rest: string[]): Promise<number> {
  if (rest[0] !== 'verify') {
    process.stderr.write('usage: fedbroker audit verify [FILE…] [--config FILE]\n');
    return 2;
  }
  let files = rest.slice(1);
  if (files.length === 0) {
    const file = loadConfigFromArgs(args).config.audit.file;
    if (file === null) {
      process.stderr.write('the configuration has no audit.file\n');
      return 2;
    }
    files = [file];
  }
  const result = verifyAuditFiles(files);
  if (result.ok) {
    // The chain cannot show a change to its very end: keep the head elsewhere and compare next time.
    process.stdout.write(`OK: ${result.lines} events, hash chain intact; head ${result.head}\n`);
    return 0;
  }
  const p = result.problem!;
  process.stdout.write(`BROKEN: ${p.file} line ${p.line}: ${p.message} (${result.lines} events verified before it)\n`);
  return 1;
}
