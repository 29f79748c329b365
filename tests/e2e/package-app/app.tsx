// A host app as a React + TypeScript developer writes it against the installed package: the React
// components, the raw tags in JSX, the tag and event maps, and `event.detail` everywhere.
import { useState } from "react";
import { createRoot } from "react-dom/client";
import type { FinishReason, StreamDoneEvent, StreamStatus } from "stream-widgets";
import { ChatStream, ReasoningPanel, StreamProvider } from "stream-widgets/react";

declare global {
  interface Window {
    /** What the page saw, read by the test. */
    seen: { statuses: StreamStatus[]; done?: { finishReason: FinishReason; verified: boolean } };
  }
}

const api = new URLSearchParams(location.search).get("api")!;
window.seen = { statuses: [] };

function CaseAnalysis({ caseId }: { caseId: string }) {
  const [status, setStatus] = useState<StreamStatus>("idle");
  return (
    <section>
      <p id="status">{status}</p>
      <StreamProvider
        src={`${api}/api/cases/${caseId}/workflow/start/stream`}
        autostart
        resumeKey={`case-${caseId}`}
        maxRetries={3}
        onStreamStatus={(event) => {
          window.seen.statuses.push(event.detail.status);
          setStatus(event.detail.status);
        }}
        onStreamDone={(event) => {
          window.seen.done = event.detail;
        }}
      >
        <ReasoningPanel />
        <ChatStream composer />
      </StreamProvider>
    </section>
  );
}

/** The raw tags, typed as JSX intrinsic elements; never rendered, only type-checked. */
export function RawTags({ onDone }: { onDone: (reason: FinishReason) => void }) {
  return (
    <stream-provider
      src="/api/cases/x/workflow/start/stream"
      transport="eventsource"
      resume-key="k"
      max-retries={2}
      onstream-done={(event) => onDone(event.detail.finishReason)}
      onstream-error={(event) => console.info(event.detail.code, event.detail.retryAvailable)}
    >
      <reasoning-panel stage="plan" />
      <chat-stream composer />
    </stream-provider>
  );
}

/** The element classes through HTMLElementTagNameMap and GlobalEventHandlersEventMap. */
export function typedDom(): void {
  const provider = document.querySelector("stream-provider");
  provider?.addEventListener("stream-done", (event: StreamDoneEvent) => {
    const verified: boolean = event.detail.verified;
    console.info(verified, event.finishReason);
  });
  provider?.addEventListener("stream-event", (event) => console.info(event.detail.event.type));
  provider?.start("/api/cases/x/workflow/start/stream");
  // @ts-expect-error: not one of the transports
  const wrong: NonNullable<typeof provider>["transport"] = "carrier-pigeon";
  console.info(wrong);
}

createRoot(document.getElementById("root")!).render(<CaseAnalysis caseId="chest-pain-acs" />);
