import { z } from 'zod';

const unit = z.number().min(0).max(1);

/**
 * Feedback-driven quality estimates. Every policy reads them: a deployment whose answers are
 * scored badly loses traffic without a redeploy.
 */
export const learningSchema = z
  .object({
    /** Off: feedback is still stored but routing ignores it. */
    feedback: z.boolean().default(true),
    /**
     * `thompson`: each request draws the quality from the posterior (exploration by sampling);
     * `mean`: the posterior mean (deterministic ranking).
     */
    estimate: z.enum(['thompson', 'mean']).default('thompson'),
    /** Share of requests routed on the prior alone, so a demoted deployment still gets the traffic that could rehabilitate it. */
    explorationFloor: unit.default(0.05),
    /** How many scores the predicted quality is worth. */
    priorStrength: z.number().positive().default(10),
    /** Scores older than this many later ones (same task and deployment) count half. */
    halfLife: z.number().positive().default(500),
    /** `sqlite`: `<dataDir>/feedback.sqlite`, replayed at start; `memory`: lost on restart. */
    store: z.enum(['sqlite', 'memory']).default('sqlite'),
  })
  .strict();

const armSchema = z
  .object({
    name: z.string().min(1),
    /** A policy name (config or built-in); the arm routes over every deployment with it. */
    policy: z.string().min(1).optional(),
    /** A deployment id or alias: the arm answers with it. */
    deployment: z.string().min(1).optional(),
    /** Relative traffic share; `shares` on the experiment wins when given. */
    share: z.number().positive().optional(),
  })
  .strict()
  .refine((arm) => (arm.policy === undefined) !== (arm.deployment === undefined), { message: 'an arm names exactly one of policy or deployment' });

/** An A/B experiment: requests for `experiment/<id>` (or for `alias`) are split across the arms. */
export const experimentSchema = z
  .object({
    description: z.string().optional(),
    arms: z.array(armSchema).min(2),
    /** Relative shares, one per arm; default equal. */
    shares: z.array(z.number().positive()).optional(),
    /** What keeps a caller in one arm: its API key or the request's `user`. */
    sticky: z.enum(['key', 'user']).default('key'),
    metrics: z.array(z.enum(['feedback', 'cost', 'latency', 'error'])).default(['feedback', 'cost', 'latency', 'error']),
    /** Requests for this alias also enter the experiment. */
    alias: z.string().min(1).optional(),
  })
  .strict()
  .refine((e) => e.shares === undefined || e.shares.length === e.arms.length, { message: 'shares needs one entry per arm', path: ['shares'] })
  .refine((e) => new Set(e.arms.map((a) => a.name)).size === e.arms.length, { message: 'arm names must be unique', path: ['arms'] });

export type LearningConfig = z.infer<typeof learningSchema>;
export type ExperimentConfig = z.infer<typeof experimentSchema>;
