<?xml version="1.0" encoding="UTF-8"?>
<!-- policies.xsl: the publishing pipeline's policy rules: read (auditors, administrators), change, add, switch on and off (administrators) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:variable name="admin" select="/page/meta/user/roles/item = 'admin'"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Policies")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Policies")'/></h1>
      <p class="summary"><xsl:value-of select='mkt:tr("Every version a provider publishes is checked against these rules. A check rule with severity block refuses the version, one with severity warn is shown in its report; an approval rule that is not met sends the version to the approval queue.")'/></p>
    </div>
    <div class="table-wrap" role="region" aria-labelledby="pol-caption" tabindex="0">
      <table class="data-table">
        <caption id="pol-caption" class="visually-hidden"><xsl:value-of select='mkt:tr("Policies")'/></caption>
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select='mkt:tr("Rule")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Kind")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Condition")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Status")'/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="policies/item">
            <tr>
              <th scope="row">
                <span class="service-name"><code><xsl:value-of select="id"/></code></span>
                <span class="service-desc"><xsl:value-of select="rule/message"/></span>
              </th>
              <td>
                <xsl:choose>
                  <xsl:when test="kind = 'approval'"><xsl:value-of select='mkt:tr("approval")'/></xsl:when>
                  <xsl:otherwise>
                    <xsl:value-of select='mkt:tr("check")'/>
                    <xsl:text> · </xsl:text>
                    <xsl:choose>
                      <xsl:when test="rule/severity = 'block'"><xsl:value-of select='mkt:tr("block")'/></xsl:when>
                      <xsl:otherwise><xsl:value-of select='mkt:tr("warn")'/></xsl:otherwise>
                    </xsl:choose>
                  </xsl:otherwise>
                </xsl:choose>
              </td>
              <td>
                <code><xsl:value-of select="rule/field"/></code>
                <xsl:text> </xsl:text>
                <xsl:value-of select="rule/op"/>
                <xsl:if test="rule/when">
                  <br/>
                  <span class="muted"><xsl:value-of select='mkt:tr("when")'/></span>
                  <xsl:text> </xsl:text>
                  <code><xsl:value-of select="rule/when/field"/></code>
                  <xsl:text> </xsl:text>
                  <xsl:value-of select="rule/when/op"/>
                </xsl:if>
                <details>
                  <summary><xsl:value-of select='mkt:tr("The rule as JSON")'/></summary>
                  <xsl:choose>
                    <xsl:when test="$admin">
                      <form method="post" action="/admin/policies/{id}" class="stack-form">
                        <input type="hidden" name="csrf" value="{../../csrf}"/>
                        <div class="field">
                          <label for="rule-{id}"><xsl:value-of select='mkt:tr("Rule")'/></label>
                          <textarea id="rule-{id}" name="rule" rows="10" class="code-input" spellcheck="false"><xsl:value-of select="rule_text"/></textarea>
                        </div>
                        <button type="submit" class="button button-small"><xsl:value-of select='mkt:tr("Save")'/></button>
                      </form>
                    </xsl:when>
                    <xsl:otherwise>
                      <pre><code><xsl:value-of select="rule_text"/></code></pre>
                    </xsl:otherwise>
                  </xsl:choose>
                </details>
              </td>
              <td>
                <xsl:choose>
                  <xsl:when test="enabled = 'true'"><span class="badge badge-active"><xsl:value-of select='mkt:tr("on")'/></span></xsl:when>
                  <xsl:otherwise><span class="badge badge-retired"><xsl:value-of select='mkt:tr("off")'/></span></xsl:otherwise>
                </xsl:choose>
                <xsl:if test="$admin">
                  <form method="post" action="/admin/policies/{id}" class="inline-form">
                    <input type="hidden" name="csrf" value="{../../csrf}"/>
                    <xsl:choose>
                      <xsl:when test="enabled = 'true'">
                        <input type="hidden" name="enabled" value="off"/>
                        <button type="submit" class="button button-small"><xsl:value-of select='mkt:tr("Switch off")'/></button>
                      </xsl:when>
                      <xsl:otherwise>
                        <input type="hidden" name="enabled" value="on"/>
                        <button type="submit" class="button button-small"><xsl:value-of select='mkt:tr("Switch on")'/></button>
                      </xsl:otherwise>
                    </xsl:choose>
                  </form>
                </xsl:if>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>

    <xsl:if test="$admin">
      <section class="card">
        <h2><xsl:value-of select='mkt:tr("Add a rule")'/></h2>
        <form method="post" action="/admin/policies" class="stack-form">
          <input type="hidden" name="csrf" value="{csrf}"/>
          <div class="field">
            <label for="p-id"><xsl:value-of select='mkt:tr("Id (lower-case letters, digits and -; the same as in the rule)")'/></label>
            <input id="p-id" type="text" name="id" required="required" maxlength="64" pattern="[a-z0-9][a-z0-9\-]*"/>
          </div>
          <div class="field">
            <label for="p-kind"><xsl:value-of select='mkt:tr("Kind")'/></label>
            <select id="p-kind" name="kind">
              <option value="check"><xsl:value-of select='mkt:tr("check")'/></option>
              <option value="approval"><xsl:value-of select='mkt:tr("approval")'/></option>
            </select>
          </div>
          <div class="field">
            <label for="p-rule"><xsl:value-of select='mkt:tr("Rule")'/></label>
            <textarea id="p-rule" name="rule" rows="8" class="code-input" spellcheck="false" required="required">{"id": "", "field": "", "op": "exists", "severity": "warn", "message": ""}</textarea>
          </div>
          <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Add")'/></button>
        </form>
      </section>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
