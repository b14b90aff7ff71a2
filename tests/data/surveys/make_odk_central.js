// Writes an ODK Central "submissions.csv" with Central's own CSV generator
// (lib/data/briefcase.js of getodk/central-backend), as the server streams it.
const { Readable } = require('node:stream');
const { getFormFields } = require('./lib/data/schema');
const { streamBriefcaseCsvs } = require('./lib/data/briefcase');

const formXml = `<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
  <h:head>
    <model>
      <instance>
        <data id="childrens_views" version="2026031001">
          <about><care_group/></about>
          <views><feel_safe/><listened_to/><trusted_adult/><involved_in_plans/><help_made_difference/><anything_else/></views>
          <meta><instanceID/></meta>
        </data>
      </instance>
      <bind nodeset="/data/about/care_group" type="string"/>
      <bind nodeset="/data/views/feel_safe" type="string"/>
      <bind nodeset="/data/views/listened_to" type="string"/>
      <bind nodeset="/data/views/trusted_adult" type="string"/>
      <bind nodeset="/data/views/involved_in_plans" type="string"/>
      <bind nodeset="/data/views/help_made_difference" type="string"/>
      <bind nodeset="/data/views/anything_else" type="string"/>
      <bind nodeset="/data/meta/instanceID" type="string"/>
    </model>
  </h:head>
</h:html>`;

const rows = [
  ['foster_care', 'yes', 'yes', 'yes', 'yes', 'a_lot', '', null],
  ['kinship_care', 'mostly', 'sometimes', 'yes', 'sometimes', 'a_little', 'I like my school', 'approved'],
  ['residential', 'no', 'no', 'not_sure', 'no', 'not_at_all', '', 'rejected'],
  ['foster_care', 'not_sure', 'yes', 'no', 'yes', 'not_sure', '', 'hasIssues'],
  ['residential', 'yes', 'sometimes', 'yes', 'not_sure', 'a_lot', '', 'edited'],
];

const instances = rows.map(([care, safe, heard, trust, say, better, other, review], i) => {
  const id = `uuid:0b5c9b7e-2f7a-4d2e-9c1e-00000000000${i + 1}`;
  return {
    instanceId: id,
    createdAt: new Date(`2026-03-1${i}T09:30:00Z`),
    def: {},
    reviewState: review,
    xml: `<data id="childrens_views" version="2026031001"><about><care_group>${care}</care_group></about><views><feel_safe>${safe}</feel_safe><listened_to>${heard}</listened_to><trusted_adult>${trust}</trusted_adult><involved_in_plans>${say}</involved_in_plans><help_made_difference>${better}</help_made_difference><anything_else>${other}</anything_else></views><meta><instanceID>${id}</instanceID></meta></data>`,
    aux: { attachment: { present: 0, expected: 0 }, encryption: {}, edit: { count: review === 'edited' ? 1 : 0 }, exports: { formVersion: '2026031001' }, submitter: { id: 7, displayName: 'Inspection team' } },
  };
});

class Field {
  constructor(data) { Object.assign(this, data); }
  with(other) { return new Field(Object.assign({}, this, other)); }
  isStructural() { return (this.type === 'structure') || (this.type === 'repeat'); }
}

getFormFields(formXml).then((raw) => {
  const fields = raw.map((f) => new Field(f));
  const pipe = streamBriefcaseCsvs(Readable.from(instances), fields, 'childrens_views', undefined, undefined, true);
  pipe.with(process.stdout).pipeline((err) => { if (err) { console.error(err); process.exit(1); } });
}).catch((e) => { console.error(e); process.exit(1); });
