export type { RunningServer, ServerOptions } from './server'
export { contentSecurityPolicy, defaultServerOptions, HOST, startServer } from './server'
export { newToken } from './token'
