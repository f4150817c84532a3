// What the page reads from a model card (model.json) beyond its files, shared by the engine
// (web/engine.js) and the page (web/tiae.js, web/app.js).

// Cards written before the glyph size was recorded: MNIST's 20 px digits, the models then.
export const DEFAULT_GLYPH_SIZE = 20;

// How far a fully convolutional model's output pixel sees, px on each side (NetworkShape::reach,
// native/model/network_shape.h): 1 + its dilations (cards without them: the default's);
// 0 for a dense model.
export function modelReach(card) {
  const network = card.network ?? {};
  if (network.arch !== 'conv') return 0;
  return 1 + (network.dilations ?? [1, 2, 4, 8, 16, 1]).reduce((a, d) => a + d, 0);
}
