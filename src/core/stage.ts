// Migration Assistant stage names, as the CDK code accepts them (e.g. `dev`, `gamma`, `wave1`).

/** The rule in words, for messages that reject a stage name. */
export const STAGE_NAME_RULE = 'letters, digits and hyphens, at most 15 characters';

const STAGE_NAME = /^[A-Za-z0-9-]{1,15}$/;

export function isValidStageName(name: string): boolean {
  return STAGE_NAME.test(name);
}
