// Worker thread that runs USE lite (the ONNX graph the main thread built, passed in workerData),
// so the main thread stays free for network I/O (Slack acks) while text is embedded here.
// Messages: {id, tokens} (token id rows) in; {id, vectors} (Float32Array[], unit length) or {id, error} out.
import { parentPort, workerData } from "node:worker_threads";
import { createUseLiteRunner } from "./use-lite-runner.mjs";

const runnerPromise = createUseLiteRunner(workerData);

parentPort.on("message", async ({ id, tokens }) => {
  try {
    const vectors = await (await runnerPromise).embed(tokens);
    parentPort.postMessage(
      { id, vectors },
      vectors.map((v) => v.buffer),
    );
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
