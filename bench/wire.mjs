// Wire bytes: the same workflow run read twice from the real server, once accepting gzip and once
// not, at a pace where every event leaves alone (one sync flush each, the compressor's worst case).
// Reports body bytes per payload byte (UTF-8 of the chunks' `content`) and the time to the first
// event for each.
//
//   node bench/wire.mjs [--quick]
import { request as httpRequest } from "node:http";
import { createGunzip } from "node:zlib";
import { printTable, startServer, writeResult } from "./lib/proc.mjs";
import { round } from "./lib/stats.mjs";
import { paced, workflow } from "./server-load.mjs";

/** Events per second: slow enough that the reader takes each event before the next is written. */
const RATE = 200;
const { request, charsPerSec } = paced(workflow, RATE);

/** Reads one workflow stream; `gzip` sends `Accept-Encoding: gzip`. */
function readRun(origin, { gzip }) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(`${origin}${request.path}`, {
      headers: gzip ? { "accept-encoding": "gzip" } : {},
    });
    req.on("error", reject);
    req.on("response", (response) => {
      const encoding = response.headers["content-encoding"] ?? "none";
      let wireBytes = 0;
      let text = "";
      let firstEventMs;
      const decoded = gzip && encoding === "gzip" ? response.pipe(createGunzip()) : response;
      response.on("data", (bytes) => (wireBytes += bytes.length));
      decoded.on("data", (bytes) => {
        text += bytes.toString("utf8");
        if (firstEventMs === undefined && text.includes("\ndata: ")) {
          firstEventMs = performance.now() - started;
        }
      });
      decoded.on("error", reject);
      decoded.on("end", () => {
        const events = text.split("\n").filter((line) => line.startsWith("data: "))
          .map((line) => JSON.parse(line.slice(6)));
        const payloadBytes = events.filter((e) => e.type === "content_chunk")
          .reduce((sum, e) => sum + Buffer.byteLength(e.content), 0);
        resolve({ encoding, wireBytes, payloadBytes, events: events.length, firstEventMs });
      });
    });
    req.end();
  });
}

/** Runs the wire benchmark and writes bench/results/wire.json. */
export async function main(args) {
  const quick = args.includes("--quick");
  const server = await startServer({
    SCRIPTED_CHARS_PER_SEC: String(quick ? charsPerSec * 5 : charsPerSec),
    SCRIPTED_FIRST_TOKEN_MS: "0",
  });
  let runs;
  try {
    // One after the other: each has the machine to itself.
    runs = [
      await readRun(server.origin, { gzip: false }),
      await readRun(server.origin, { gzip: true }),
    ];
  } finally {
    await server.stop();
  }
  const [plain, gzipped] = runs;
  console.log(
    `\nWire bytes of one workflow run (${plain.events} events, ${plain.payloadBytes} B of text)`,
  );
  printTable(
    ["Accept-Encoding", "Content-Encoding", "body B", "wire B / payload B", "first event ms"],
    [["(none)", plain], ["gzip", gzipped]].map(([accept, run]) => [
      accept,
      run.encoding,
      run.wireBytes,
      round(run.wireBytes / run.payloadBytes),
      round(run.firstEventMs),
    ]),
  );
  const ratio = plain.wireBytes / gzipped.wireBytes;
  console.log(`gzip: ${round(ratio)}× fewer bytes (goal: at least 5×)`);
  const file = writeResult(quick ? "wire-quick" : "wire", { plain, gzipped, ratio, goal: 5 });
  console.log(`wrote ${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
