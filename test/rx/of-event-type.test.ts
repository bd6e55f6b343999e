import { of, toArray, lastValueFrom } from 'rxjs';
import { ofEventType } from '../../src/rx/of-event-type';
import type { SessionEvent } from '../../src/rx/session-events';

describe('ofEventType', () => {
  it('keeps the session events of one type, in order', async () => {
    const events: SessionEvent[] = [
      { type: 'ping', payload: new Uint8Array(8) },
      { type: 'origin', origins: ['https://a.example'] },
      { type: 'altsvc', streamId: 0, origin: 'https://a.example', value: 'clear' },
      { type: 'origin', origins: ['https://b.example'] },
    ];
    const origins = await lastValueFrom(of(...events).pipe(ofEventType('origin'), toArray()));
    expect(origins.map((e) => e.origins)).toEqual([['https://a.example'], ['https://b.example']]);
  });
});
