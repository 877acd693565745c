/* Draws the page, once every function above is defined. */
if (data.suite.detection) detectionSection(data.suite.detection, data.suite.seeds || []);
if (data.mutation) mutationSection(data.mutation);
if (data.sweep) sweepSection(data.sweep);
(data.properties || []).forEach(propertySection);
data.runs.forEach(runSection);
document.body.setAttribute('data-rendered', 'true');
