import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStagesFile, parseStagesFile, StagesFileError } from '../../../src/adapters/aws/stages-file';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stages-'));
  dirs.push(dir);
  const path = join(dir, 'stages.json');
  writeFileSync(path, text);
  return path;
}

describe('loadStagesFile', () => {
  it('reads per-stage overrides', () => {
    const path = file(JSON.stringify({ blue: { loadBalancerName: 'custom-alb', listenerPort: 9200 }, dev: {} }));
    expect(loadStagesFile(path)).toEqual({ blue: { loadBalancerName: 'custom-alb', listenerPort: 9200 }, dev: {} });
  });

  it('names every problem in one error', () => {
    const path = file(
      JSON.stringify({
        'bad stage!': {},
        blue: { listenerPort: 70000, loadBalancer: 'x', ecsCluster: '' },
        green: 'alb',
      }),
    );
    const error = (() => {
      try {
        loadStagesFile(path);
      } catch (e) {
        return e as StagesFileError;
      }
    })();
    expect(error).toBeInstanceOf(StagesFileError);
    expect(error!.problems).toEqual([
      'stage "bad stage!": the name must be letters, digits and hyphens, starting with a letter or digit, at most 15 characters',
      'stage "blue": listenerPort must be from 1 to 65535',
      'stage "blue": ecsCluster must not be empty (the ECS cluster name)',
      expect.stringMatching(/^stage "blue": unknown key "loadBalancer" \(allowed: loadBalancerName, /),
      'stage "green": must be an object of resource names',
    ]);
    expect(error!.message).toContain(`SWITCHOVER_STAGES_FILE ${path} is not valid:`);
  });

  it("refuses a stage whose load balancer or target group names would pass AWS's 32 characters", () => {
    expect(() => parseStagesFile({ abcdefghijklmn: { listenerPort: 443 }, wave1: { loadBalancerName: 'x'.repeat(33) } })).toThrow(
      expect.objectContaining({
        problems: [
          'stage "abcdefghijklmn": `MigrationAssistant-abcdefghijklmn` (33 characters) would be past AWS\'s 32-character limit; name the stack\'s resources here',
          `stage "wave1": \`${'x'.repeat(33)}\` (33 characters) would be past AWS's 32-character limit; name the stack's resources here`,
        ],
      }),
    );
    expect(parseStagesFile({ abcdefghijklmn: { loadBalancerName: 'ma-long' } })).toEqual({ abcdefghijklmn: { loadBalancerName: 'ma-long' } });
  });

  it('says plainly when the file is missing or not JSON', () => {
    expect(() => loadStagesFile('/nonexistent/stages.json')).toThrow('the file does not exist');
    expect(() => loadStagesFile(file('{ nope'))).toThrow('is not valid JSON');
    expect(() => parseStagesFile([])).toThrow('must be a JSON object');
  });
});
