import type { IntegrationEntity } from '@vigil/db';
import { redactIntegrationConfig, type IntegrationConfig } from '@vigil/integrations';

/** The stored config, typed: the API validated it on the way in. */
export function storedConfig(integration: IntegrationEntity): IntegrationConfig {
  return { ...integration.config, type: integration.type } as IntegrationConfig;
}

/** An integration as the API shows it: credentials redacted (`redactIntegrationConfig`), never in full. */
export function presentIntegration(integration: IntegrationEntity): Record<string, unknown> {
  const { type: _type, ...config } = redactIntegrationConfig(storedConfig(integration));
  return {
    id: integration.id,
    name: integration.name,
    type: integration.type,
    config,
    dateCreated: integration.createdAt.toISOString(),
    dateUpdated: integration.updatedAt.toISOString(),
  };
}
