/**
 * First step of `npm test`: what the suite needs beyond npm packages. DynamoDB Local needs a Java runtime; when
 * `java` is missing and this user may install Debian packages (root with apt-get, as `playwright install --with-deps`
 * does), it installs `default-jre-headless`; otherwise it stops with one line saying what to install. Chromium for
 * the browser test comes from the npm devDependency when the system has none (test/support/browser.ts).
 */
import { spawnSync } from 'node:child_process';

const has = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

const fail = (line: string): never => {
  process.stderr.write(`prerequisites: ${line}\n`);
  process.exit(1);
};

if (!has('java', ['-version'])) {
  const mayInstall = process.getuid?.() === 0 && has('apt-get', ['--version']);
  if (!mayInstall) {
    fail(
      'java is missing (DynamoDB Local needs a JRE 17+): install one, e.g. sudo apt-get install default-jre-headless',
    );
  }
  process.stdout.write('prerequisites: java is missing; installing default-jre-headless with apt-get\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', 'default-jre-headless'],
    { stdio: 'inherit', env },
  );
  if (update.status !== 0 || install.status !== 0 || !has('java', ['-version'])) {
    fail('java is missing and apt-get could not install default-jre-headless; install a JRE 17+ by hand');
  }
}
