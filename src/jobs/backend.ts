/**
 * The small backend interface of `bukejian/jobs`: enqueue a fan-out (one parent job and its
 * parts), handle one part, collect the parent when all its parts are done, and report progress.
 * The job kinds (PSI buckets, batch verification) are written against this interface only, so
 * another engine can be added next to BullMQ (./bullmq.ts) without touching them.
 * @module
 */

/** JSON data as it is stored in a queue (job data carries paths, ranges and settings only). */
export type JobData = { [key: string]: unknown };

/** A fan-out: one parent job whose parts run in any order on any worker, then one collect. */
export interface FanOut {
  /** Job id: letters, digits, `_` and `-` (1..64); enqueuing the same id twice adds nothing. */
  id: string;
  /** The job kind (selects the handlers). */
  kind: string;
  /**
   * The stage (default 'main'): a job in stages enqueues its next stage, under the same id, from
   * the collect of the previous one; status and completion follow the latest stage.
   */
  stage?: string;
  /** Settings of the whole job, given to every part and to the collect. */
  data: JobData;
  /** One entry per part (paths and ranges). */
  parts: JobData[];
  /** Attempts per part before it fails (default 3). */
  attempts?: number;
  /** First retry delay in ms, doubled at each attempt (exponential back-off; default 1000). */
  backoff?: number;
}

/** What a handler knows about the run it is in. */
export interface PartContext {
  /** The fan-out's id. */
  jobId: string;
  /** The fan-out's stage. */
  stage: string;
  /** The part index (-1 for the collect). */
  index: number;
  /** Attempts made before this one (0 on the first run). */
  attempt: number;
  /** Reports progress of this part (0..1). */
  progress(fraction: number): Promise<void>;
  /** Enqueues a follow-up fan-out on the same backend (a job in stages). */
  enqueue(job: FanOut): Promise<void>;
}

/** The code run by workers: one part, and the collect of a job whose parts are all done. */
export interface JobHandlers {
  /** Runs part `part` of a job of `kind`; its JSON result goes to the collect. */
  handle(kind: string, data: JobData, part: JobData, ctx: PartContext): Promise<unknown>;
  /** Combines the parts' results (in part order) into the job's result. */
  collect(kind: string, data: JobData, results: unknown[], ctx: PartContext): Promise<unknown>;
}

/** Progress of one job, as `jobStatus` and `bukejian jobs status` report it. */
export interface JobStatus {
  id: string;
  kind: string;
  /** 'unknown' when the backend has no such job. */
  state: 'waiting' | 'running' | 'completed' | 'failed' | 'unknown';
  /** The stage whose parts are counted (a PSI job splits its input, then runs its buckets). */
  stage: string;
  /** Parts of that stage: all, finished, failed for good, and those that needed more than one run. */
  parts: { total: number; done: number; failed: number; retried: number };
  /** Milliseconds since the stage was enqueued. */
  elapsedMs: number;
  /** Parts finished per second so far (0 before the first). */
  rate: number;
  /** Seconds until all parts are done at that rate (undefined before the first part). */
  etaSeconds?: number;
  /** The collect's result, once completed. */
  result?: unknown;
  /** Why it failed: the first failed part's error code and message. */
  error?: { code: string; message: string; part?: number };
}

/** A running set of workers; `close` waits for the parts in progress (or gives them up). */
export interface WorkerHandle {
  /** Stops taking parts, waits for those in progress, closes the connection. */
  close(): Promise<void>;
}

/** A job engine: BullMQ on Redis is the one implemented (`bullmqBackend`). */
export interface JobBackend {
  /** The engine's name, e.g. 'bullmq'. */
  readonly name: string;
  /** Enqueues a fan-out (idempotent by id). */
  enqueue(job: FanOut): Promise<void>;
  /** Starts `concurrency` part/collect runners in this process. */
  work(handlers: JobHandlers, opts?: { concurrency?: number }): Promise<WorkerHandle>;
  /** The progress of a job (its latest stage). */
  status(id: string): Promise<JobStatus>;
  /** Closes the connections this object opened. */
  close(): Promise<void>;
}
