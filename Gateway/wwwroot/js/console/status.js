// A console view's two lines of news: what the last action did (role=status) and what failed
// (role=alert). A new success hides an old failure and the other way round, so only the latest shows.
export class StatusLine {
  constructor(doneLine, failedLine) {
    this.doneLine = doneLine;
    this.failedLine = failedLine;
  }

  done(message) {
    this.doneLine.textContent = message;
    this.doneLine.hidden = false;
    this.failedLine.hidden = true;
  }

  /** Shows a failure, or with null hides the last one (a view that loaded again is fine). */
  failed(message) {
    this.failedLine.textContent = message ?? '';
    this.failedLine.hidden = !message;
    if (message) this.doneLine.hidden = true;
  }

  clear() {
    this.doneLine.hidden = true;
    this.failedLine.hidden = true;
  }
}
