// The one error both chart renderers throw: its message is said in the channel as is.
export class ChartRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartRenderError';
  }
}
