/**
 * slotkv-backup: backup sets of a slotkv data directory.
 *
 *   slotkv-backup create  [-h host] [-p port] [-a password]   a new set, made by the running server
 *   slotkv-backup list    [--dir ./data]                       sets with time and size
 *   slotkv-backup restore <id> [-h host] [-p port] [-a pw]    roll the running server back to a set
 *   slotkv-backup clone   <id> <new-dir> [--dir ./data]       a data directory a new server starts from
 */
import { closeBackupPool, extractBackup, listBackups } from '../log/backup.ts';
import { call, RespError, type Endpoint } from './resp-call.ts';

const USAGE = `usage:
  slotkv-backup create  [-h host] [-p port] [-a password]
  slotkv-backup list    [--dir DIR]
  slotkv-backup restore ID [-h host] [-p port] [-a password]
  slotkv-backup clone   ID NEW_DIR [--dir DIR]`;

interface Args {
  command: string;
  positional: string[];
  endpoint: Endpoint;
  dir: string;
}

function parse(argv: string[]): Args {
  const args: Args = { command: argv[0] ?? '', positional: [], endpoint: { host: '127.0.0.1', port: 6379 }, dir: './data' };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i] ?? '';
    if (a === '-h' || a === '--host') args.endpoint.host = value();
    else if (a === '-p' || a === '--port') args.endpoint.port = Number(value());
    else if (a === '-a' || a === '--password') args.endpoint.password = value();
    else if (a === '--dir') args.dir = value();
    else args.positional.push(a);
  }
  return args;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

async function main(argv: string[]): Promise<number> {
  const a = parse(argv);
  switch (a.command) {
    case 'create': {
      const id = await call(a.endpoint, ['BACKUP', 'CREATE']);
      console.log(`created backup ${id}`);
      return 0;
    }
    case 'list': {
      const sets = listBackups(a.dir);
      if (sets.length === 0) console.log(`no backups in ${a.dir}/backups`);
      for (const s of sets) console.log(`${s.id}  ${s.createdAt}  ${s.shardCount} shards  ${mb(s.bytes)}`);
      return 0;
    }
    case 'restore': {
      if (a.positional.length !== 1) break;
      await call(a.endpoint, ['BACKUP', 'RESTORE', a.positional[0]!]);
      console.log(`restored backup ${a.positional[0]}`);
      return 0;
    }
    case 'clone': {
      if (a.positional.length !== 2) break;
      const [id, to] = a.positional as [string, string];
      const m = await extractBackup(a.dir, id, to);
      console.log(`cloned backup ${id} (${m.shardCount} shards) into ${to}: start it with slotkv-server --dir ${to}`);
      return 0;
    }
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2))
  .then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`slotkv-backup: ${e instanceof RespError ? `server: ${e.message}` : (e as Error).message}`);
      process.exitCode = 1;
    },
  )
  .finally(() => void closeBackupPool());
