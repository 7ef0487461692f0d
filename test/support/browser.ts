/**
 * Finds a headless Chromium for the browser tests, the way the ecosystem ships one: `CHROMIUM_PATH` when set, the
 * system's `/usr/bin/chromium` when installed (Debian's package), otherwise the Chromium inside the
 * `@sparticuz/chromium` devDependency (a compressed binary in the npm tarball, unpacked to the temp directory on
 * first use; no download at run time). When none can start, the error is one line saying what to do.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Flags for a closed network: without the background-networking ones Chromium keeps dialling Google. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Where the Chromium comes from, for the test's own report line. */
export interface FoundChromium {
  executablePath: string;
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

export const findChromium = async (): Promise<FoundChromium> => {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return { executablePath: fromEnv, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, source: 'system' };
  try {
    const bundled = (await import('@sparticuz/chromium')).default;
    return { executablePath: await bundled.executablePath(), source: '@sparticuz/chromium' };
  } catch (error) {
    throw new Error(
      `no Chromium: ${SYSTEM_CHROMIUM} is missing and the bundled one (@sparticuz/chromium) could not be unpacked (${
        error instanceof Error ? error.message : String(error)
      }); run npm install, or apt-get install chromium, or set CHROMIUM_PATH`,
    );
  }
};

/** Launches the Chromium found above; a failure to start is one clear line. */
export const launchChromium = async (): Promise<{ browser: Browser; found: FoundChromium }> => {
  const found = await findChromium();
  try {
    const browser = await chromium.launch({ executablePath: found.executablePath, args: CHROMIUM_ARGS });
    return { browser, found };
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Error(
      `Chromium (${found.source}, ${found.executablePath}) did not start: ${first}; apt-get install chromium or set CHROMIUM_PATH`,
    );
  }
};
