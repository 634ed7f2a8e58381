import type * as E from 'fp-ts/lib/Either.js';
import type { ContainerModule } from 'inversify';

import type { VendorId } from '../../domain/ids.js';

/** What every vendor's configuration is decoded with. */
export interface VendorEnvironment {
  /** The raw environment (only the vendor's own variables are read). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly production: boolean;
  readonly publicBaseUrl: string;
}

/**
 * A vendor as the composition root sees it: a name, its configuration decoded from the environment
 * (one message per missing or invalid variable), and a container module that binds `VideoVendor`
 * and whatever the vendor adds (its pages, say).
 */
export interface VendorPlugin<Config = unknown> {
  readonly id: VendorId;
  readonly displayName: string;
  /** The environment variables it reads, for the README and error messages. */
  readonly variables: readonly string[];
  decodeConfig(environment: VendorEnvironment): E.Either<readonly string[], Config>;
  module(config: Config): ContainerModule;
}

/**
 * Erases a plugin's config type so that plugins of different vendors fit in one list. Safe because
 * the composition root only ever passes a plugin the config its own `decodeConfig` produced.
 */
export const vendorPlugin = <Config>(plugin: VendorPlugin<Config>): VendorPlugin => plugin;
