/** The slice of a pino logger accounting writes to; pass the gateway's logger (or a child of it). */
export interface AccountingLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: AccountingLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
