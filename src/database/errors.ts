// What went wrong talking to an external database server, sorted the way the circuit breaker needs:
// the server could not be reached or did not answer in time (counts towards opening the target's
// breaker: every site on it would fail the same way) or the server answered and refused this
// request (access denied, bad name, SQL error: the site's own problem, never the breaker's).

/** Node socket errors and the connector's own: the server was not reached or stopped answering. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EADDRNOTAVAIL',
  // mariadb connector (errno 45xxx)
  'ER_CONNECTION_TIMEOUT',
  'ER_GET_CONNECTION_TIMEOUT',
  'ER_SOCKET_UNEXPECTED_CLOSE',
  'ER_SOCKET',
  'ER_SOCKET_TIMEOUT',
  'ER_CMD_CONNECTION_CLOSED',
  'ER_CONNECTION_ALREADY_CLOSED',
  'ER_PING_TIMEOUT',
  // server: overloaded, going away, or too slow (max_statement_time from the query timeout)
  'ER_CON_COUNT_ERROR',
  'ER_OUT_OF_RESOURCES',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_HOST_IS_BLOCKED',
  'ER_STATEMENT_TIMEOUT',
]);

/**
 * The server answered: these are the request's fault even where the connector marks them fatal or
 * gives them a connection SQLSTATE (a wrong admin password must not open the breaker of every site
 * on the server).
 */
const REQUEST_CODES = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_HOST_NOT_PRIVILEGED',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_NOT_SUPPORTED_AUTH_MODE',
  'ER_AUTHENTICATION_PLUGIN_NOT_SUPPORTED',
  'ER_NOT_SUPPORTED_AUTH_PLUGIN',
]);

/** A site's database or user name that may not reach SQL; thrown before any connection is made. */
export class InvalidIdentifierError extends Error {
  override readonly name = 'InvalidIdentifierError';
  readonly code = 'INVALID_IDENTIFIER';
  constructor(
    readonly field: 'database' | 'user',
    reason: string,
  ) {
    super(`${field} name ${reason}`);
  }
}

/**
 * A failed operation on an external server, with a message safe to log and to put in a status
 * condition: the connector's code and the server's text, never the statement (it may carry a
 * password) nor the password itself.
 */
export class ExternalDatabaseError extends Error {
  override readonly name = 'ExternalDatabaseError';
  constructor(
    message: string,
    /** The connector's or the server's error code (ECONNREFUSED, ER_ACCESS_DENIED_ERROR, …). */
    readonly code: string,
    /** Whether the server could not be reached or answered too late (see isConnectionError). */
    readonly connectionLevel: boolean,
    /** `host:port` */
    readonly target: string,
  ) {
    super(message);
  }
}

interface ErrorFields {
  code?: unknown;
  sqlState?: unknown;
  connectionLevel?: unknown;
  cause?: unknown;
}

/**
 * Whether an error says the server was unreachable or timed out (counts towards the target's
 * circuit breaker) rather than that it refused the request (does not count).
 */
export function isConnectionError(error: unknown): boolean {
  for (let depth = 0; depth < 4 && typeof error === 'object' && error !== null; depth++) {
    const fields = error as ErrorFields;
    if (typeof fields.connectionLevel === 'boolean') return fields.connectionLevel;
    const code = typeof fields.code === 'string' ? fields.code : undefined;
    if (code !== undefined && REQUEST_CODES.has(code)) return false;
    if (code !== undefined && CONNECTION_CODES.has(code)) return true;
    // SQLSTATE class 08: connection exception.
    if (typeof fields.sqlState === 'string' && fields.sqlState.startsWith('08')) return true;
    error = fields.cause;
  }
  return false;
}

/** The error's code as the connector or Node gives it, else its class name. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as ErrorFields).code;
    if (typeof code === 'string' && code !== '') return code;
    if (error instanceof Error) return error.name;
  }
  return 'UNKNOWN';
}

/**
 * The error as an ExternalDatabaseError whose message holds no statement text and none of
 * `secrets` (the server may quote a value back in its message).
 */
export function describeDatabaseError(
  error: unknown,
  target: string,
  operation: string,
  secrets: readonly string[],
): ExternalDatabaseError {
  if (error instanceof ExternalDatabaseError) return error;
  const code = errorCode(error);
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    sqlMessage?: unknown;
    message?: unknown;
  };
  // sqlMessage is the server's (or connector's) text without the `sql: …` suffix the connector adds.
  let text =
    typeof fields.sqlMessage === 'string'
      ? fields.sqlMessage
      : typeof fields.message === 'string'
        ? fields.message.split('\nsql:')[0]!
        : String(error);
  for (const secret of secrets) if (secret !== '') text = text.split(secret).join('***');
  return new ExternalDatabaseError(
    `${operation} on ${target}: ${code}: ${text}`,
    code,
    isConnectionError(error),
    target,
  );
}
