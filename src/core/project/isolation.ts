/** How an intent's module runs under test (see Intent.isolation); in its own file so readers of cached intents need not load the intent parser. */
export type Isolation = 'confined' | 'shared';
export const ISOLATIONS: readonly Isolation[] = ['confined', 'shared'];
