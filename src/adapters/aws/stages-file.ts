// SWITCHOVER_STAGES_FILE: per-stage names for stacks whose resources were renamed. Read once at start-up;
// every problem is reported in one error so the operator fixes the file in one go.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isValidStageName, STAGE_NAME_RULE } from '../../core/stage';
import { namesPastAwsLimit, stageNames } from './naming';

const name = (what: string) =>
  z
    .string({ error: `must be a string (the ${what})` })
    .trim()
    .min(1, `must not be empty (the ${what})`);

/** What one stage overrides; anything not given keeps its Migration Assistant name. */
const stageOverrideSchema = z.strictObject({
  loadBalancerName: name('load balancer name').optional(),
  sourceTargetGroupName: name('source proxy target group name').optional(),
  targetTargetGroupName: name('target proxy target group name').optional(),
  listenerPort: z
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be from 1 to 65535')
    .max(65535, 'must be from 1 to 65535')
    .optional(),
  ecsCluster: name('ECS cluster name').optional(),
  captureProxyService: name('capture proxy ECS service name').optional(),
  targetProxyService: name('target proxy ECS service name').optional(),
});

export type StageOverride = z.infer<typeof stageOverrideSchema>;
export type StagesOverrides = Record<string, StageOverride>;

export class StagesFileError extends Error {
  override readonly name = 'StagesFileError';
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`SWITCHOVER_STAGES_FILE ${path} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates the parsed JSON of a stages file; throws one StagesFileError naming every problem. */
export function parseStagesFile(json: unknown, path = 'stages file'): StagesOverrides {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new StagesFileError(path, ['must be a JSON object: { "<stage>": { "loadBalancerName": "...", ... } }']);
  }
  const problems: string[] = [];
  const result: StagesOverrides = {};
  for (const [stage, value] of Object.entries(json)) {
    if (!isValidStageName(stage)) problems.push(`stage "${stage}": the name must be ${STAGE_NAME_RULE}`);
    const parsed = stageOverrideSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          problems.push(
            `stage "${stage}": unknown ${issue.keys.length > 1 ? 'keys' : 'key'} ${issue.keys.map((k) => `"${k}"`).join(', ')} ` +
              `(allowed: ${Object.keys(stageOverrideSchema.shape).join(', ')})`,
          );
        } else if (issue.path.length === 0) {
          problems.push(`stage "${stage}": must be an object of resource names`);
        } else {
          problems.push(`stage "${stage}": ${issue.path.join('.')} ${issue.message}`);
        }
      }
    } else {
      const tooLong = namesPastAwsLimit(stageNames(stage, parsed.data));
      if (tooLong.length > 0) {
        problems.push(`stage "${stage}": ${tooLong.join(', ')} would be past AWS's 32-character limit; name the stack's resources here`);
      }
      result[stage] = parsed.data;
    }
  }
  if (problems.length > 0) throw new StagesFileError(path, problems);
  return result;
}

/** Reads and validates SWITCHOVER_STAGES_FILE. */
export function loadStagesFile(path: string): StagesOverrides {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StagesFileError(path, [code === 'ENOENT' ? 'the file does not exist' : `cannot be read (${code ?? String(error)})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StagesFileError(path, [`is not valid JSON (${(error as Error).message})`]);
  }
  return parseStagesFile(json, path);
}
