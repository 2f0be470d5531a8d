/**
 * Electron main: window, menu, the `cw-media:` audio protocol, and one `ipcMain.handle('cw:<method>')`
 * per API method — thin adapters that check the sender, validate the input (ChordWarpService.invoke
 * parses it with the method's zod schema) and call the service. No business logic here.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron'
import { type ChordWarpService, createAppService, toErrorDto } from '../backend/service'
import { defaultDbPath, nativeBindingFor } from '../backend/store'
import { API_EVENT_NAMES, API_METHOD_NAMES, IPC_EVENT_CHANNEL, ipcChannel } from '../core/api'
import { serveMedia } from './media'
import { buildMenu } from './menu'

const RENDERER_HTML = join(__dirname, '../renderer/index.html')
const DEV_URL = process.env.ELECTRON_RENDERER_URL

protocol.registerSchemesAsPrivileged([
  { scheme: 'cw-media', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
])

let service: ChordWarpService | null = null
let win: BrowserWindow | null = null

/** Only our own renderer page may call the API. */
function trustedSender(url: string | undefined): boolean {
  if (!url) return false
  if (DEV_URL && url.startsWith(DEV_URL)) return true
  return url.startsWith(pathToFileURL(RENDERER_HTML).href)
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1320,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'ChordWarp',
    backgroundColor: '#f6f4ef',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  w.on('ready-to-show', () => w.show())
  // Unsaved edits: the renderer asks (beforeunload) only while a draft is still being written.
  w.webContents.on('will-prevent-unload', (e) => {
    const choice = dialog.showMessageBoxSync(w, {
      type: 'question',
      buttons: ['Wait for the draft', 'Close anyway'],
      defaultId: 0,
      cancelId: 0,
      message: 'Your latest edits are still being saved as a draft.',
      detail: 'Closing now may lose the last second of work.',
    })
    if (choice === 1) e.preventDefault()
  })
  if (DEV_URL) void w.loadURL(DEV_URL)
  else void w.loadFile(RENDERER_HTML)
  return w
}

function send(event: string, args: unknown[]): void {
  if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event, args)
}

async function main(): Promise<void> {
  await app.whenReady()

  // Every web contents: no navigation, no new windows (links open in the browser), no webviews.
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault())
    contents.on('will-redirect', (e) => e.preventDefault())
    contents.on('will-attach-webview', (e) => e.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https:\/\//.test(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  session.defaultSession.setPermissionCheckHandler(() => false)

  service = await createAppService({
    dbPath: defaultDbPath(),
    transport: 'electron',
    workerUrl: pathToFileURL(join(__dirname, '../node/backend_service_tasks.worker.js')),
    nativeBinding: process.env.CHORDWARP_SQLITE_BINDING ?? nativeBindingFor(app.getAppPath()),
    openDialog: async (mode) => {
      const r = await dialog.showOpenDialog(win!, {
        title: mode === 'folder' ? 'Import a folder of recordings' : 'Open audio',
        properties: mode === 'folder' ? ['openDirectory'] : ['openFile', 'multiSelections'],
        filters:
          mode === 'folder'
            ? []
            : [
                {
                  name: 'Audio',
                  extensions: ['wav', 'flac', 'mp3', 'ogg', 'oga', 'opus', 'm4a', 'aac', 'aif', 'aiff'],
                },
              ],
      })
      return r.canceled ? [] : r.filePaths
    },
    restrictImportsToDialogs: true,
  })
  const svc = service

  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (e, input: unknown) => {
      if (!trustedSender(e.senderFrame?.url))
        return {
          ok: false,
          error: { code: 'unauthorized', message: 'the API answers the ChordWarp window only' },
        }
      try {
        return { ok: true, value: await svc.invoke(method, input) }
      } catch (err) {
        return { ok: false, error: toErrorDto(err) }
      }
    })
  }
  for (const name of API_EVENT_NAMES)
    if (name !== 'connection' && name !== 'menu') svc.on(name, (...args: unknown[]) => send(name, args))

  protocol.handle('cw-media', (req) => serveMedia(svc, req))

  win = createWindow()
  buildMenu({ send: (command) => send('menu', [{ command }]), isDev: !app.isPackaged })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow()
  })
}

app.on('window-all-closed', () => {
  void service?.close().finally(() => app.quit())
})

main().catch((e) => {
  dialog.showErrorBox('ChordWarp could not start', (e as Error).message)
  app.exit(1)
})
