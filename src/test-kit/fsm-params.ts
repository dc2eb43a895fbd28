/** FsmParams for tests: router `index` gets address 192.0.2.(10+index); override any field. */
import type { FsmParams } from '../vrrp/fsm-types.js';

export function testFsmParams(index: number, over: Partial<FsmParams> = {}): FsmParams {
  const p: FsmParams = {
    name: `R${index}`,
    vrid: 51,
    version: 2,
    basePriority: 100,
    advertIntCs: 100,
    downTimerAdverts: 3,
    nopreempt: false,
    preemptDelayMs: 0,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    initialState: 'BACKUP',
    primaryAddress: new Uint8Array([192, 0, 2, 10 + index]),
    addressOwner: false,
    ...over,
  };
  return { ...p, addressOwner: p.basePriority === 255 };
}
