import { validateSync } from 'class-validator';
import { configVariables } from './config-variable.decorator';
import { VigilConfig } from './vigil-config';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads every declared variable from `env`, converts it to the type of its default and validates it.
 * Throws a ConfigError naming each bad variable; secret values are never echoed.
 */
export function loadConfig(env: Env = process.env): VigilConfig {
  const config = new VigilConfig();
  const target = config as unknown as Record<string, unknown>;
  const problems: string[] = [];
  for (const [name, options] of configVariables()) {
    const raw = env[name];
    if (raw === undefined) continue;
    const fallback = target[name];
    if (typeof fallback === 'number') {
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) {
        problems.push(`${name}: must be a number${options.secret ? '' : ` (got "${raw}")`}`);
        continue;
      }
      target[name] = value;
    } else {
      target[name] = raw;
    }
  }
  for (const error of validateSync(config)) {
    const options = configVariables().get(error.property);
    const rules = Object.values(error.constraints ?? {}).map((m) => m.replace(`${error.property} `, ''));
    const shown = options?.secret ? '' : ` (got "${String(error.value)}")`;
    problems.push(`${error.property}: ${rules.join('; ')}${shown}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Kafka brokers as a list. */
export function kafkaBrokers(config: VigilConfig): string[] {
  return config.VIGIL_KAFKA_BROKERS.split(',');
}
