/**
 * Page counting at submit: pdf-lib parses a PDF's object graph without rendering, utif2 walks a TIFF's
 * image file directories without decoding pixels. Both are pure JS, so the API bundles stay free of WASM.
 */
import type { DocumentMediaType, PageCount, PageCounter } from '../core/ports';

// Loaded on the first PDF or TIFF: a submission of photos never evaluates either library.
const pdfLib = () => import('pdf-lib');
const utif = async () => (await import('utif2')).default;

export class DocumentPageCounter implements PageCounter {
  async count(bytes: Uint8Array, mediaType: DocumentMediaType): Promise<PageCount> {
    try {
      const pages = mediaType === 'application/pdf' ? await pdfPages(bytes) : await tiffPages(bytes);
      return pages > 0 ? { status: 'counted', pages } : { status: 'unreadable' };
    } catch (error) {
      const { EncryptedPDFError } = await pdfLib();
      return { status: error instanceof EncryptedPDFError ? 'encrypted' : 'unreadable' };
    }
  }
}

async function pdfPages(bytes: Uint8Array): Promise<number> {
  // pdf-lib otherwise logs and carries on past a broken object; a broken page tree must be refused.
  const { PDFDocument } = await pdfLib();
  const document = await PDFDocument.load(bytes, { throwOnInvalidObject: true, updateMetadata: false });
  return document.getPageCount();
}

async function tiffPages(bytes: Uint8Array): Promise<number> {
  const UTIF = await utif();
  // Only images with dimensions are pages: a thumbnail or EXIF sub-directory is not one.
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return UTIF.decode(buffer).filter((ifd) => ifd.t256 && ifd.t257).length;
}
