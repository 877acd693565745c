/**
 * Saga timeouts ("set timeouts for saga execution"): the saga target's
 * services, with a workload that pauses a step service (SIGSTOP) for longer
 * than a saga's deadline, now and then. The correct orchestrator gives up on
 * the step at the deadline, aborts its request and compensates; the services
 * fence out the paused request's late effect. The broken `no-timeout` waits
 * for the paused service as long as it takes: caught as sagas that do not
 * decide within their bound.
 */
import { type Checker, verdictOf } from '../../harness/core/check.ts';
import { defineTarget, fail, ok } from '../../harness/core/target.ts';
import { opsFor, type SagaState, sagaCheckers, summarize } from './checkers.ts';
import { orderOf, placeOrder, type RunningServices, STEP_SERVICES, saga } from './index.ts';
import { SAGA_TIMEOUT_MS } from './services/orchestrator.ts';

/** How long a paused step service stays paused: well past a saga's deadline. */
export const PAUSE_MS = 2000;
/** Worker 0 pauses a step service at every this many of its operations (the first at its second). */
const PAUSE_EVERY = 8;
/** What a saga may take beyond its timeout to decide: the log writes and the call's abort. */
export const DECISION_SLACK_MS = 500;

/** Every saga decides (completes, or starts compensating) within its timeout and a little slack. */
export const decidesWithinBound: Checker<SagaState> = {
  name: 'decides-within-bound',
  description: `every saga completes or starts compensating within ${SAGA_TIMEOUT_MS + DECISION_SLACK_MS} ms of its start`,
  check({ operations, finalState }) {
    const bound = SAGA_TIMEOUT_MS + DECISION_SLACK_MS;
    const late = finalState.sagas.filter(
      (s) =>
        s.startedAtMs !== undefined && s.decidedAtMs !== undefined && s.decidedAtMs - s.startedAtMs > bound,
    );
    return verdictOf(
      'decides-within-bound',
      summarize(
        'saga-decides-within-bound',
        late.map((s) => ({
          message: `saga ${s.id} decided after ${s.decidedAtMs! - s.startedAtMs!} ms (bound ${bound} ms)`,
          ops: opsFor(operations, s.id),
        })),
      ),
    );
  },
};

export const sagaTimeoutsTarget = defineTarget<RunningServices, SagaState, RunningServices>({
  name: 'saga-timeouts',
  description: 'the saga services with step services paused past the deadline of the sagas calling them',
  database: 'postgres',
  variants: {
    correct: saga.variants.correct!,
    'no-timeout': {
      description: 'the orchestrator waits for every step as long as it takes: no deadline, no call timeout',
      broken: true,
    },
  },
  setup: saga.setup,
  teardown: saga.teardown!,
  connect: saga.connect,
  disconnect: saga.disconnect,
  operations: {
    placeOrder,
    /** SIGSTOP a step service, SIGCONT it PAUSE_MS later: requests to it wait, unanswered. */
    async pauseService(services, args: { service: (typeof STEP_SERVICES)[number]; ms: number }) {
      const paused = services.processes[args.service];
      if (paused.isPaused) return fail(`${args.service} is paused already`);
      paused.pause();
      // Teardown resumes (and stops) a service still paused; the timer then leaves it alone.
      setTimeout(() => {
        if (paused.isPaused) paused.resume();
      }, args.ms).unref();
      return ok();
    },
  },
  plan: ({ rng, worker, index, seed }) => {
    if (worker === 0 && index % PAUSE_EVERY === 1)
      return { op: 'pauseService', args: { service: rng.pick(STEP_SERVICES), ms: PAUSE_MS } };
    return { op: 'placeOrder', args: orderOf(seed, worker, index) };
  },
  finalState: saga.finalState,
  checkers: [...sagaCheckers, decidesWithinBound],
});
