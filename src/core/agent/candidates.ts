import type { CallOptions, ChatMessage, ModelClient, ModelReply } from '../ports.js';

/**
 * Best-of-n candidates: the first at temperature 0, the others in one request with the API's `n` where the model
 * offers it, and one request each for whatever that did not bring (providers that ignore or refuse `n`).
 * `onStream` gets the completion tokens streamed so far over all of the attempt's requests.
 */
export async function askCandidates(
  model: ModelClient,
  messages: ChatMessage[],
  samples: number,
  call: CallOptions,
): Promise<ModelReply[]> {
  const streamOf = streamSlots(call.onStream);
  const { signal } = call;
  const first = model.complete(messages, { signal, onStream: streamOf(0), sample: 0 });
  if (samples === 1) return [await first];
  // Both requests are out before either is awaited; a failure of one must not go unhandled meanwhile.
  first.catch(() => {});
  const extras = samples - 1;
  const together = model.completeMany ? await model.completeMany(messages, extras, { signal, onStream: streamOf(1) }) : [];
  const alone = Array.from({ length: extras - Math.min(together.length, extras) }, (_, i) =>
    model.complete(messages, { signal, onStream: streamOf(2 + i), sample: together.length + i + 1 }),
  );
  return [await first, ...together.slice(0, extras), ...(await Promise.all(alone))];
}

/** One stream listener per request of an attempt, each reporting the sum over all of them. */
function streamSlots(onStream: CallOptions['onStream']): (slot: number) => CallOptions['onStream'] {
  const counts: number[] = [];
  return (slot) => {
    if (!onStream) return undefined;
    return (tokens) => {
      counts[slot] = tokens;
      onStream(counts.reduce((sum, count) => sum + (count ?? 0), 0));
    };
  };
}
