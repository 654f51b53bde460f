import { typesetLayout } from '../core/layout';
import type { OcrEngine, OcrImage, OcrPage } from '../core/ports';

export interface SimulatedOcrOptions {
  /** How long one image takes to "read", like a real engine's latency. */
  latencyMs: number;
}

/** A realistic one-page invoice, so the LLM stage downstream has typical work to do. */
export const SIMULATED_PAGE_TEXT = [
  'ACME Office Supplies Ltd.',
  '12 Harbour Road, Bristol BS1 4AB',
  'INVOICE',
  'Invoice No: INV-2024-0147',
  'Invoice Date: Mar 14, 2024',
  'Due Date: Apr 13, 2024',
  'Bill To: Jane Doe, 48 Elm Street, Leeds LS6 2QT',
  'Description Qty Unit Price Amount',
  'A4 copy paper, 5 reams 2 22.50 45.00',
  'Black toner cartridge 1 68.00 68.00',
  'Desk organiser 3 12.00 36.00',
  'Subtotal 149.00',
  'VAT 20% 29.80',
  'Total Due GBP 178.80',
  'Payment: bank transfer to Sort Code 20-00-00, Account 12345678',
  'Thank you for your business.',
].join('\n');

/** The page typeset on an A4 photo's pixel size, so the stages after OCR see boxes as from a real engine. */
const SIMULATED_LAYOUT = typesetLayout(SIMULATED_PAGE_TEXT, { width: 1240, height: 1754, confidence: 0.98 });

/**
 * Capacity benchmarks only (DESIGN §7): stands in for a paid OCR call with a fixed latency and page, so a
 * benchmark measures the pipeline rather than an OCR engine. Never a default, never used to check OCR.
 */
export class SimulatedOcr implements OcrEngine {
  readonly name = 'simulated';

  constructor(private readonly options: SimulatedOcrOptions) {}

  // Every image reads the same: the bytes are irrelevant to a capacity benchmark.
  async recognize(_image: OcrImage): Promise<OcrPage> {
    await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    return { layout: structuredClone(SIMULATED_LAYOUT), pages: 1 };
  }
}
