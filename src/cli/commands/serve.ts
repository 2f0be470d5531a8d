/** `chordwarp serve`: browser mode, the app's API and renderer on 127.0.0.1 with a random token. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { createAppService } from '../../backend/service'
import { defaultDbPath } from '../../backend/store'
import { startServer } from '../../server'
import { UserError } from '../errors'
import { printJson, printLine } from '../output'

export function register(program: Command): void {
  program
    .command('serve')
    .description('browser mode: the app over HTTP on 127.0.0.1 with a token')
    .option('--port <n>', 'TCP port (0 = any free port)', '0')
    .option('--db <file>', 'library database', defaultDbPath())
    .option('--json', 'print {url, port, token} as one JSON line instead of the sentence')
    .action(async (opts: { port: string; db: string; json?: boolean }) => {
      const port = Number(opts.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UserError(`--port must be an integer from 0 to 65535, got "${opts.port}"`)
      // out/node/cli.js → out/renderer; workers sit beside the bundle
      const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url))
      const workerUrl = new URL('./backend_service_tasks.worker.js', import.meta.url)
      const service = await createAppService({
        dbPath: resolve(opts.db),
        transport: 'http',
        workerUrl: existsSync(fileURLToPath(workerUrl)) ? workerUrl : null,
      })
      let server: Awaited<ReturnType<typeof startServer>>
      try {
        server = await startServer(service, { port, rendererDir })
      } catch (e) {
        await service.close()
        const code = (e as { code?: string }).code
        if (code === 'EADDRINUSE')
          throw new UserError(`port ${port} is in use: pick another with --port or use 0`)
        throw e
      }
      if (opts.json) printJson({ url: server.url, port: server.port, token: server.token })
      else {
        printLine(`ChordWarp browser mode is running at ${server.url}`)
        printLine(`library: ${resolve(opts.db)} — press Ctrl+C to stop`)
        if (!existsSync(join(rendererDir, 'index.html')))
          printLine(`note: the renderer is not built (${rendererDir}); run "npm run build" to get the UI`)
      }
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop)
          process.off('SIGTERM', stop)
          void server
            .close()
            .then(() => service.close())
            .then(done)
        }
        process.on('SIGINT', stop)
        process.on('SIGTERM', stop)
      })
    })
}
