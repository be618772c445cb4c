// A macrotask boundary without timer clamping: setTimeout(0) is clamped to 4 ms once nested, which would
// add 4 ms to every training step; a MessageChannel message is delivered on the next turn.
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
