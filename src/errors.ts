/**
 * Internal failures (configuration, startup, a corrupt file): one class per kind, each with a
 * stable SLOTKV_ERR_* code. Expected command outcomes are never thrown; they are replies.
 */

export class SlotkvError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

export class ConfigError extends SlotkvError {
  constructor(message: string) {
    super('SLOTKV_ERR_CONFIG', message);
  }
}

export class StartupError extends SlotkvError {
  constructor(message: string) {
    super('SLOTKV_ERR_STARTUP', message);
  }
}

/** The data directory cannot be used as it is (corrupt file, unknown format). */
export class DataDirError extends SlotkvError {
  constructor(message: string) {
    super('SLOTKV_ERR_DATA', message);
  }
}
