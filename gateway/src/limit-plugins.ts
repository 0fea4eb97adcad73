import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { GraphQLError } from 'graphql';
import { useBodyLimit } from './body-limit.ts';
import { useCostLimit } from './cost.ts';
import { LIMIT_CODES, type LimitSettings, limitError } from './limits.ts';
import { useRateLimit, useSubscriptionLimits } from './throttle.ts';

/** Rethrows a graphql-armor rejection with the code of its limit (armor's own errors carry none). */
function rejectWith(code: (typeof LIMIT_CODES)[keyof typeof LIMIT_CODES]) {
  return {
    propagateOnRejection: false,
    onReject: [
      (_context: unknown, error: GraphQLError) => {
        throw limitError(code, error.message.replace(/^Syntax Error: /, ''));
      },
    ],
  };
}

/** The gateway plugins that enforce `settings`. */
export function limitPlugins(settings: LimitSettings): GatewayPlugin[] {
  return [
    useBodyLimit(settings.maxBodyBytes),
    maxTokensPlugin({ n: settings.maxTokens, ...rejectWith(LIMIT_CODES.tokens) }) as GatewayPlugin,
    maxDepthPlugin({ n: settings.maxDepth, ...rejectWith(LIMIT_CODES.depth) }) as GatewayPlugin,
    maxAliasesPlugin({ n: settings.maxAliases, ...rejectWith(LIMIT_CODES.aliases) }) as GatewayPlugin,
    useRateLimit(settings),
    useCostLimit(settings),
    useSubscriptionLimits(settings),
  ];
}
