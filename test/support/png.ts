// Reads a PNG back into pixels, to assert on what a chart shows rather than on its configuration.
import { createCanvas, loadImage } from '@napi-rs/canvas';

export interface Picture {
  width: number;
  height: number;
  /** RGBA of the pixel at (x, y). */
  at(x: number, y: number): [number, number, number, number];
  /** How many pixels within `tolerance` of the colour `#rrggbb` there are in the rectangle (whole picture by default). */
  count(hex: string, box?: { x0: number; y0: number; x1: number; y1: number }, tolerance?: number): number;
  /** Pixels that are not white. */
  inked(): number;
}

export async function readPng(png: Buffer): Promise<Picture> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
  const at = (x: number, y: number): [number, number, number, number] => {
    const i = (y * width + x) * 4;
    return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
  };
  const count: Picture['count'] = (hex, box = { x0: 0, y0: 0, x1: width, y1: height }, tolerance = 24) => {
    const want = [1, 3, 5].map((o) => parseInt(hex.slice(o, o + 2), 16));
    let n = 0;
    for (let y = box.y0; y < box.y1; y++) {
      for (let x = box.x0; x < box.x1; x++) {
        const p = at(x, y);
        if (Math.abs(p[0] - want[0]!) <= tolerance && Math.abs(p[1] - want[1]!) <= tolerance && Math.abs(p[2] - want[2]!) <= tolerance) n++;
      }
    }
    return n;
  };
  const inked = () => width * height - count('#ffffff', undefined, 8);
  return { width, height, at, count, inked };
}
