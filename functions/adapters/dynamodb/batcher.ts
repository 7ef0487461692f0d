/**
 * Turns concurrent single-item calls into batch calls (BatchGetItem takes up to 100 keys, BatchWriteItem 25 items).
 * Calls made in the same turn of the event loop go out together; while `maxInFlight` batches are out, further calls
 * wait and go in the next one, so batches grow with load and a lone call waits for nothing but the next turn. Each
 * caller gets its own result, or the error of its batch.
 */
export class Batcher<I, O> {
  private waiting: Array<{ input: I; resolve: (output: O) => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly options: {
      maxBatch: number;
      maxInFlight: number;
      /** Runs one batch; returns one output per input, in order. */
      run: (inputs: I[]) => Promise<O[]>;
    },
  ) {}

  submit(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      this.options
        .run(batch.map((call) => call.input))
        .then(
          (outputs) => {
            for (const [index, call] of batch.entries()) call.resolve(outputs[index] as O);
          },
          (error: unknown) => {
            for (const call of batch) call.reject(error);
          },
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
