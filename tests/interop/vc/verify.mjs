// An independent verifier of Tianping certificates: Digital Bazaar's VC libraries with the
// eddsa-jcs-2022 cryptosuite, a static document loader (contexts bundled with the npm
// packages, DID documents given as input, did:key derived locally) and a Bitstring Status
// List check against the status list credentials given. Nothing is fetched.
//
//   node verify.mjs JOB.json      JOB: {credentials, statusLists, didDocuments, now, repeat}
//
// Prints one JSON line: {"results": [{"verified": bool, "error": str|null}], "seconds": s}
// where seconds is the time spent verifying (all repeats).
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as statusListContext from '@digitalbazaar/vc-bitstring-status-list-context';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const contexts = new Map([
  ...credentialsContext.contexts,
  ...dataIntegrityContext.contexts,
  ...statusListContext.contexts,
]);
const documents = new Map();
for(const document of job.didDocuments || []) {
  documents.set(document.id, document);
  for(const method of document.verificationMethod || []) {
    documents.set(method.id, {'@context': document['@context'], ...method});
  }
}

function didKeyDocument(did) {
  const fingerprint = did.slice('did:key:'.length);
  const method = {
    id: `${did}#${fingerprint}`, type: 'Multikey', controller: did,
    publicKeyMultibase: fingerprint,
  };
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did, verificationMethod: [method], assertionMethod: [method.id],
    authentication: [method.id],
  };
}

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  const did = url.split('#')[0];
  if(!documents.has(url) && did.startsWith('did:key:')) {
    const document = didKeyDocument(did);
    documents.set(did, document);
    documents.set(document.verificationMethod[0].id,
      {'@context': 'https://w3id.org/security/multikey/v1', ...document.verificationMethod[0]});
  }
  if(documents.has(url)) {
    return {contextUrl: null, documentUrl: url, document: documents.get(url)};
  }
  throw new Error(`not found offline: ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
const lists = new Map((job.statusLists || []).map(list => [list.id, list]));
const checkedLists = new Map();

async function listBits(url, issuer) {
  if(!checkedLists.has(url)) {
    const list = lists.get(url);
    if(!list) {
      throw new Error(`no status list ${url}`);
    }
    const result = await vc.verifyCredential(
      {credential: list, suite, documentLoader, now: job.now});
    if(!result.verified) {
      throw new Error(`status list ${url} does not verify`);
    }
    const encoded = list.credentialSubject.encodedList;
    checkedLists.set(url, {
      issuer: typeof list.issuer === 'string' ? list.issuer : list.issuer.id,
      purpose: list.credentialSubject.statusPurpose,
      bits: gunzipSync(Buffer.from(encoded.slice(1), 'base64url')),
    });
  }
  const found = checkedLists.get(url);
  if(found.issuer !== issuer) {
    throw new Error(`status list ${url} is issued by another issuer`);
  }
  return found;
}

async function checkStatus({credential}) {
  const issuer = typeof credential.issuer === 'string' ?
    credential.issuer : credential.issuer.id;
  const entries = [].concat(credential.credentialStatus);
  for(const entry of entries) {
    const {bits, purpose} = await listBits(entry.statusListCredential, issuer);
    if(purpose !== entry.statusPurpose) {
      return {verified: false, error: `wrong purpose ${purpose}`};
    }
    const index = Number.parseInt(entry.statusListIndex, 10);
    if((bits[index >> 3] >> (7 - (index & 7))) & 1) {
      return {verified: false, error: entry.statusPurpose === 'revocation' ?
        'revoked' : 'suspended'};
    }
  }
  return {verified: true};
}

const results = [];
const repeat = job.repeat || 1;
const started = process.hrtime.bigint();
for(let round = 0; round < repeat; round++) {
  results.length = 0;
  for(const credential of job.credentials) {
    const result = await vc.verifyCredential(
      {credential, suite, documentLoader, checkStatus, now: job.now});
    const error = result.verified ? null :
      String((result.statusResult && result.statusResult.error) ||
        (result.error && (result.error.errors || [result.error])[0].message) ||
        (result.results && result.results[0] && result.results[0].error &&
          result.results[0].error.message) || 'not verified');
    results.push({verified: result.verified, error});
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({results, seconds}));
