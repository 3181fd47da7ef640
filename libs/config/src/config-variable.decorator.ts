export interface ConfigVariableOptions {
  description: string;
  /** Secret values are never printed, not even in a validation error. */
  secret?: boolean;
}

const registry = new Map<string, ConfigVariableOptions>();

/** Declares an environment variable: its description, and whether it is secret. */
export function ConfigVariable(options: ConfigVariableOptions): PropertyDecorator {
  return (_target, property) => {
    registry.set(String(property), options);
  };
}

export function configVariables(): ReadonlyMap<string, ConfigVariableOptions> {
  return registry;
}
