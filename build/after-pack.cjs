// electron-builder afterPack hook: flips the Electron fuses in the packaged binary (before signing), so the
// shipped app cannot be turned into a plain Node runtime or made to load code from outside its asar.
// CommonJS because electron-builder requires hooks; @electron/fuses comes with electron-builder.

/** What each fuse is set to. Asar integrity is only enforced by Electron on macOS and Windows. */
const FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
};

const FUSE_NAMES = {
  runAsNode: 'RunAsNode',
  enableCookieEncryption: 'EnableCookieEncryption',
  enableNodeOptionsEnvironmentVariable: 'EnableNodeOptionsEnvironmentVariable',
  enableNodeCliInspectArguments: 'EnableNodeCliInspectArguments',
  enableEmbeddedAsarIntegrityValidation: 'EnableEmbeddedAsarIntegrityValidation',
  onlyLoadAppFromAsar: 'OnlyLoadAppFromAsar',
  loadBrowserProcessSpecificV8Snapshot: 'LoadBrowserProcessSpecificV8Snapshot',
  grantFileProtocolExtraPrivileges: 'GrantFileProtocolExtraPrivileges',
};

/** The @electron/fuses config for one platform. */
function fuseConfig(fusesModule, platform) {
  const { FuseVersion, FuseV1Options } = fusesModule;
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature: platform === 'darwin' };
  for (const [key, value] of Object.entries(FUSES)) {
    if (key === 'enableEmbeddedAsarIntegrityValidation' && platform === 'linux') continue;
    const option = FuseV1Options[FUSE_NAMES[key]];
    if (option === undefined) throw new Error(`@electron/fuses does not know the fuse ${FUSE_NAMES[key]}`);
    config[option] = value;
  }
  return config;
}

async function afterPack(context) {
  const fuses = await import('@electron/fuses');
  await context.packager.addElectronFuses(context, fuseConfig(fuses, context.electronPlatformName));
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.fuseConfig = fuseConfig;
