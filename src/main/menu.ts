/**
 * The application menu. Commands the renderer owns (save, undo, export …) are sent to it as `menu`
 * events; their accelerators are shown but not registered, so the renderer's own key handling (which
 * knows whether a text field has the focus) stays in charge.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron'

export function buildMenu(o: { send: (command: string) => void; isDev: boolean }): void {
  const cmd = (label: string, command: string, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    click: () => o.send(command),
    ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
  })
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        cmd('Open Audio…', 'open-audio', 'CmdOrCtrl+O'),
        cmd('Import Folder…', 'import-folder'),
        { type: 'separator' },
        cmd('Save Revision', 'save', 'CmdOrCtrl+S'),
        cmd('Export .lab…', 'export-lab'),
        cmd('Export .chords.txt…', 'export-chords'),
        { type: 'separator' },
        cmd('Library', 'library'),
        { type: 'separator' },
        { role: process.platform === 'darwin' ? 'close' : 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        cmd('Undo', 'undo', 'CmdOrCtrl+Z'),
        cmd('Redo', 'redo', 'CmdOrCtrl+Shift+Z'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        cmd('Align', 'align'),
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(o.isDev ? [{ role: 'toggleDevTools' as const }] : []),
      ],
    },
    { label: 'Help', submenu: [cmd('Keyboard Shortcuts', 'help', '?')] },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
