import { Progress, PROGRESS_MIN_BYTES, renderProgress } from '../../src/cli/progress';

describe('renderProgress', () => {
  it('with a total: bar, percentage, amounts and rate', () => {
    const line = renderProgress(512 * 1024, 1024 * 1024, 1000, 80);
    expect(line).toMatch(/^\[(#+)(\.+)\]  50%  512\.0 KiB \/ 1\.0 MiB  512\.0 KiB\/s$/);
    const [, done, todo] = /^\[(#+)(\.+)\]/.exec(line)!;
    expect(done.length).toBe(todo.length);
    expect(line.length).toBeLessThan(80);
  });
  it('without a total: bytes so far and rate', () => {
    expect(renderProgress(3 * 1024 * 1024, undefined, 2000)).toBe('3.0 MiB  1.5 MiB/s');
  });
  it('fits narrow terminals', () => {
    expect(renderProgress(10, 100, 1, 20).length).toBeLessThan(20);
  });
});

describe('Progress', () => {
  const terminal = () => {
    const writes: string[] = [];
    return { writes, out: { isTTY: true, columns: 60, write: (t: string) => writes.push(t) } };
  };

  it('draws on a TTY, at most every 100 ms, and erases at the end', () => {
    const { writes, out } = terminal();
    let t = 0;
    const p = new Progress(out, 4 * PROGRESS_MIN_BYTES, () => t);
    p.add(PROGRESS_MIN_BYTES);
    t = 50;
    p.add(PROGRESS_MIN_BYTES); // too soon
    t = 200;
    p.add(PROGRESS_MIN_BYTES);
    p.done();
    expect(writes).toHaveLength(3);
    expect(writes[0]).toMatch(/^\r\[#+\.+\]\s+25%/);
    expect(writes[1]).toMatch(/75%/);
    expect(writes[2]).toBe('\r\x1b[K');
  });

  it('stays silent when not a TTY, and for small announced bodies', () => {
    const { writes, out } = terminal();
    const small = new Progress(out, 1000);
    small.add(1000);
    small.done();
    const notTty = new Progress({ write: (s: string) => writes.push(s) }, 10 * PROGRESS_MIN_BYTES);
    notTty.add(5 * PROGRESS_MIN_BYTES);
    notTty.done();
    expect(writes).toEqual([]);
  });

  it('a body of unknown length shows once it passed the threshold', () => {
    const { writes, out } = terminal();
    const p = new Progress(out, undefined, () => 1000);
    p.add(1000);
    expect(writes).toEqual([]);
    p.add(PROGRESS_MIN_BYTES);
    expect(writes[0]).toMatch(/^\r1\.0 MiB/);
  });
});
