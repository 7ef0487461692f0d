/**
 * `npm run ops -- --help`: the ops CLI (scripts/ops/cli.ts) with its two backends — a deployed stage (its region
 * from `--region`, else the stage file's, else the shell's AWS configuration) or `npm start`.
 */
import { type BackendFactory, runOps } from './cli.js';
import { DEFAULT_LOCAL_URL, localBackend } from './local-backend.js';

const makeBackend: BackendFactory = async (target, io) => {
  if (target.local) return localBackend(target.local === true ? DEFAULT_LOCAL_URL : target.local);
  const stage = target.stage ?? '';
  let region = target.region;
  if (!region) {
    const { loadStageSettings } = await import('../../bin/config.js');
    const { OpsError } = await import('./backend.js');
    try {
      region = (await loadStageSettings(stage)).region;
    } catch (error) {
      throw new OpsError(error instanceof Error ? error.message : String(error));
    }
  }
  const { awsBackend } = await import('./aws-backend.js');
  return awsBackend({ stage, region, log: (line) => io.err(`${line}\n`) });
};

const code = await runOps(
  process.argv.slice(2),
  { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
  makeBackend,
);
process.exitCode = code;
