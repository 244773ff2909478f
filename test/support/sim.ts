// A simulated Migration Assistant stack (stages `dev` and `staging`) behind the real AWS adapters, for
// tests that want the production code paths without AWS. Time moves only with the ManualClock.
import { ManualClock } from '../../src/adapters/clock';
import { createSimulatedAws, type SimulatedAws, type SimulatedAwsOptions } from '../../src/adapters/sim';

export interface SimulatedPorts extends SimulatedAws {
  clock: ManualClock;
}

/**
 * `sim.ports` has resolver, loadBalancer, ecs and metrics; `sim.stack` has the model, its faults and its
 * call counts. Retries happen without delay, so fault tests stay fast.
 */
export function simulatedPorts(clock: ManualClock = new ManualClock(), options: Partial<Omit<SimulatedAwsOptions, 'clock'>> = {}): SimulatedPorts {
  return { ...createSimulatedAws({ clock, ...options }), clock };
}
