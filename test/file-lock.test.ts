import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { processIsAlive, withFileLock } from '../lib/file-lock';
import { deadPid, tempDir } from './support';

const notices: string[] = [];
const options = { purpose: 'the test', notify: (m: string) => notices.push(m) };

describe('withFileLock', () => {
  test('holds an O_EXCL file with pid and host while the critical section runs, and removes it after', () => {
    const lock = path.join(tempDir('lock'), '.lock');
    const seen = withFileLock(lock, options, () => fs.readFileSync(lock, 'utf8'));
    expect(seen).toMatch(new RegExp(`^${process.pid} ${os.hostname()} \\d+ [0-9a-f]{16}\\n$`));
    expect(fs.existsSync(lock)).toBe(false);
  });

  test('releases on an exception too', () => {
    const lock = path.join(tempDir('lock'), '.lock');
    expect(() => withFileLock(lock, options, () => { throw new Error('boom'); })).toThrow('boom');
    expect(fs.existsSync(lock)).toBe(false);
  });

  test('breaks the lock of a process that died (kill -9), without waiting', () => {
    const lock = path.join(tempDir('lock'), '.lock');
    fs.writeFileSync(lock, `${deadPid()} ${os.hostname()} 0 0123456789abcdef\n`);
    expect(withFileLock(lock, options, () => 'ran')).toBe('ran');
    expect(fs.readdirSync(path.dirname(lock))).toEqual([]);
    expect(notices).toEqual([]);
  });

  test('never removes a lock that is not its own (one broken while held now belongs to another process)', () => {
    const lock = path.join(tempDir('lock'), '.lock');
    const someoneElse = `${process.ppid} ${os.hostname()} 0 fedcba9876543210\n`;
    withFileLock(lock, options, () => fs.writeFileSync(lock, someoneElse));
    expect(fs.readFileSync(lock, 'utf8')).toBe(someoneElse);
  });

  test('processIsAlive', () => {
    expect(processIsAlive(process.pid)).toBe(true);
    expect(processIsAlive(deadPid())).toBe(false);
  });
});
