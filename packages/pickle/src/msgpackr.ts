// msgpackr's JavaScript packer and unpacker. The build bundles this module with them
// (scripts/bundle.mjs), so an install of @spickle/pickle does not fetch msgpackr and its optional
// native addon, whose install script pnpm refuses by default; its "pack" and "unpack" entries
// never load the addon anyway.
export { Packr } from "msgpackr/pack";
export { Unpackr, addExtension } from "msgpackr/unpack";
