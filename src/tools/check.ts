/**
 * slotkv-check [--dir ./data] [--fix]: verifies every file of a data directory (manifest,
 * snapshots, log segments: headers, record checksums, completeness). With --fix it truncates a
 * log at its first bad record, losing what follows it, so that the server can start again.
 * Exit status: 0 when the directory is sound (or was repaired), 1 when it is not.
 */
import { DataDirError } from '../errors.ts';
import { checkDataDir } from '../log/recovery.ts';

function main(argv: string[]): number {
  let dir = './data';
  let fix = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') dir = argv[++i] ?? dir;
    else if (argv[i] === '--fix') fix = true;
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: slotkv-check [--dir DIR] [--fix]');
      return 0;
    } else dir = argv[i]!;
  }
  try {
    const result = checkDataDir(dir, { repairTornTail: fix, truncateCorruption: fix, log: (l) => console.log(l) });
    if (result.manifest === null) {
      console.log(`${dir}: no manifest: an empty data directory`);
      return 0;
    }
    let bad = 0;
    for (const f of result.files) {
      const state = f.problem === undefined ? 'ok' : f.repaired ? `repaired (${f.problem})` : `BAD: ${f.problem}`;
      if (f.problem !== undefined && !f.repaired) bad++;
      console.log(`${f.file}: ${f.records} records, ${f.bytes} bytes: ${state}`);
    }
    console.log(bad === 0 ? `${dir}: ok` : `${dir}: ${bad} damaged file(s)`);
    return bad === 0 ? 0 : 1;
  } catch (e) {
    if (e instanceof DataDirError) {
      console.error(`slotkv-check: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
