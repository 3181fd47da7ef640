/** kafkajs' per-connection request queue (an internal module of kafkajs 2.2.4): what `kafkajs-idle-loop.ts` patches. */
declare module 'kafkajs/src/network/requestQueue' {
  class RequestQueue {
    constructor(options: {
      maxInFlightRequests: number | null;
      requestTimeout: number;
      enforceRequestTimeout: boolean;
      clientId: string;
      broker: string;
      logger: unknown;
    });
    pending: unknown[];
    throttledUntil: number;
    throttleCheckTimeoutId: NodeJS.Timeout | null;
    checkPendingRequests: (this: RequestQueue) => void;
    scheduleCheckPendingRequests: (this: RequestQueue) => void;
  }
  export = RequestQueue;
}
