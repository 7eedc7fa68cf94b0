global using NaltrexoneFhir.Fhir.Model;
global using NaltrexoneFhir.Fhir.Querying;
