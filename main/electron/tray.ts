// Renders the tray icon and its menu from the tray state; rebuilt whenever the state changes.
import { Menu, Tray, nativeImage } from 'electron';
import { buildTrayMenu, toElectronTemplate, trayTooltip, type TrayAction, type TrayState } from './tray-menu.ts';

export interface TrayView {
  render(state: TrayState): void;
  destroy(): void;
}

/** iconPath: a PNG; on macOS a file named *Template.png becomes a template image (follows the menu bar). */
export function createTrayView(iconPath: string, run: (action: TrayAction) => void): TrayView {
  const image = nativeImage.createFromPath(iconPath);
  if (process.platform === 'darwin') image.setTemplateImage(true);
  const tray = new Tray(image);
  return {
    render(state) {
      tray.setToolTip(trayTooltip(state));
      tray.setContextMenu(Menu.buildFromTemplate(toElectronTemplate(buildTrayMenu(state), run)));
    },
    destroy: () => tray.destroy(),
  };
}
