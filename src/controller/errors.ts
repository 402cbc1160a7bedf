/** Stable codes of the controller room's errors; callers branch on these, never on messages. */
export type ControllerErrorCode =
  | 'PACING_ERR_CONTROLLER_CONFIG'
  | 'PACING_ERR_CONTROLLER_TERMINAL'
  | 'PACING_ERR_CONTROLLER_KUBECONFIG'
  | 'PACING_ERR_CONTROLLER_QUEUE_SHUT_DOWN'
  | 'PACING_ERR_CONTROLLER_API_REQUEST';

/** Base class of every error raised by src/controller; keeps `cause` and a stable `code`. */
export class ControllerError extends Error {
  /** Stable machine-readable code. */
  readonly code: ControllerErrorCode;

  /** Builds an error with a code, a message that names the field or endpoint at fault, and an optional cause. */
  constructor(code: ControllerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Invalid options given to a controller component (for example lease timings in the wrong order). */
export class ControllerConfigError extends ControllerError {
  /** @param message names the option at fault. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACING_ERR_CONTROLLER_CONFIG', message, options);
  }
}

/** No usable kubeconfig: neither in-cluster credentials nor a readable file. */
export class KubeConfigLoadError extends ControllerError {
  /** @param message names the file or environment that was tried. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACING_ERR_CONTROLLER_KUBECONFIG', message, options);
  }
}

/**
 * Thrown by a reconciler to say "record and count this, but do not retry": retrying cannot help until the
 * object changes (like controller-runtime's `reconcile.TerminalError`).
 */
export class TerminalError extends ControllerError {
  /** @param message why the object cannot be reconciled as it is. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACING_ERR_CONTROLLER_TERMINAL', message, options);
  }
}

/** Raised when adding work to a queue that has been shut down. */
export class QueueShutDownError extends ControllerError {
  /** @param queueName the queue's metric name. */
  constructor(queueName: string) {
    super('PACING_ERR_CONTROLLER_QUEUE_SHUT_DOWN', `work queue "${queueName}" is shut down`);
  }
}

/** The API server refused a request the operator sent without client-node's generated methods. */
export class KubeApiRequestError extends ControllerError {
  /** HTTP status of the answer (what `apiErrorStatus` reads). */
  readonly statusCode: number;

  /** @param message names the request and the object; `statusCode` is the answer's HTTP status. */
  constructor(message: string, statusCode: number) {
    super('PACING_ERR_CONTROLLER_API_REQUEST', message);
    this.statusCode = statusCode;
  }
}
